"""Individual plans, goals, sessions, attendance and discharge (issue 3 builds this domain)."""
