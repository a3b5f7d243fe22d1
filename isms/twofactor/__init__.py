"""Two-factor authentication (TOTP with recovery codes) on top of django-otp.

After the password, a user who has enrolled is asked for a code before anything else
(`middleware.TwoFactorMiddleware`); members of the roles named in REQUIRE_2FA_FOR
(Management and administrators by default) must enrol first. See docs/security.md.
"""
