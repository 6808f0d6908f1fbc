"""Individual plans, goals, sessions, attendance and discharge (issue 3)."""
