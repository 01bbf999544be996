"""Archive and retention (issue 13): archival packages per case (`package`), with metadata as E-ARK CITS ERMS
v3, which Riksarkivet's FGS Ärendehantering 2.0 applies (`erms`), checked against the official schema
(`schema`); the retention rules that make finished cases due for disposal (`retention`), and disposal only
under a recorded decision (`disposal`)."""
