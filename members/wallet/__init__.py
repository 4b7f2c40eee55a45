"""The member card in the phone's wallet: Apple Wallet passes (with the PassKit web service
that keeps them current) and Google Wallet loyalty objects.

It sits with the member's pages, in the top layer: it reads the points account of the engine.
`config` reads the keys, `apple` draws and signs a `.pkpass`, `google` writes the signed
"Save to Google Wallet" link, `services` keeps the pass rows, `backends` sends what changed,
`views` and `urls` serve the member and the devices.
"""
