"""The alphabet of every code a person reads aloud or types (vouchers, referral codes): 30
letters and digits without the look-alikes 0/O, 1/I/L and U."""

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
