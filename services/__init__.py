"""Aftercare's seven services, each a self-contained package exporting ``SERVICE``."""
