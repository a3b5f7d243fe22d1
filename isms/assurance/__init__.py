"""Control assurance (issue 22): control tests, their results, automated tests computed
from the checks' latest evaluation, and the summary the dashboard and management review
read. Evidence expiry lives on `isms.Evidence`; this app reminds about it."""
