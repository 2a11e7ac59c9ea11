"""Evidence: files and links handed over with a report, and where the files are kept."""
