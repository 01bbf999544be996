"""The agreement as a document (issue 13): each municipality's template (template_text.py, templates.py),
filled with the case's values (data.py) and written as DOCX or PDF/A (docx_writer.py, pdf_writer.py);
render.py is the one entry point."""
