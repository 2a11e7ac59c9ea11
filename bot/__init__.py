"""bizwatch: business crime reporting and prevention by chat and SMS."""
