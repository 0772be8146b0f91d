"""The Aftercare console: server-rendered pages over the services' REST APIs (README.md)."""
