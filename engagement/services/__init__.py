"""Every state change above rewards: the checkout that starts a purchase's effects, stamp cards,
surveys, birthdays and reminders."""
