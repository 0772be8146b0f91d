"""Kubernetes manifests for Aftercare, generated from the service registry.

``python -m deploy.k8s.generator`` writes ``deploy/k8s/{base,overlays}``; ``--check`` fails
when the committed files are not what the code generates (``make test`` runs it through
tests/deploy). Every registered service (``shared.service.all_definitions()``) gets the same
objects, so a new service needs no change here.
"""
