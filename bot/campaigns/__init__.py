"""Crime alerts and campaigns: subscriptions, their vocabulary and audiences, campaigns and their sending."""
