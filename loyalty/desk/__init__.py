"""The staff desk under /staff/: a UI over every app (members, points, rewards), not an app."""
