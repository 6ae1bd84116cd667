//! The report: Markdown and a self-contained HTML page with inline SVG charts, generated from the statistics.
