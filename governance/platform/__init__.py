"""Shared mechanisms every room of the platform uses: hash-chained ledgers, key derivation
and sealing, working-day deadlines, server-rendered charts (and, as they arrive, uploads and
notifications). Nothing here knows about deployments, consents or complaints."""
