"""The back office: everything under /manage/ (the reports page, its charts and CSV downloads,
the activity log), behind `decorators.manager_required`."""
