"""Tasks: the countdown to launch, recurring tasks and key moments during the sale, on-time figures."""
