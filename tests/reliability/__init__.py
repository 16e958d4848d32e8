"""Reliability: bad files, full disks, two instances, backups, the terminal."""
