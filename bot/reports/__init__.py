"""Crime reports: submitting, summarising, exporting and tidying away old drafts."""
