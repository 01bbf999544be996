"""Archive and retention (issue 13): archival packages per case (`package`, with metadata after FGS
Ärendehantering: `fgs`, checked by `schema`), the retention rules that make finished cases due for disposal
(`retention`), and disposal only under a recorded decision (`disposal`)."""
