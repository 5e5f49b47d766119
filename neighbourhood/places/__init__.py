"""Places: the tenancy tree community → compound → building → household."""
