"""kpi's rules as plain Python: the facts kept per entity and how they merge (``facts``), how
they are judged into KPI contributions (``definitions``), the month a moment belongs to
(``months``), KPI values, weights and rankings (``report``), and spot-check samples
(``spot_checks``). No Flask, no SQLAlchemy, no I/O."""
