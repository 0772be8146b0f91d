"""``python -m deploy.grafana.boards [--check]``: render the dashboards to JSON."""

from deploy.grafana.boards.render import main

raise SystemExit(main())
