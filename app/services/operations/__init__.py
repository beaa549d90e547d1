"""Platform operations: database backups and restores, and locks that keep long jobs from overlapping."""
