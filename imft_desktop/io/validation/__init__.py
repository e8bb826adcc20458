"""Stage 3, validation: raw records in, canonical tables and findings out.

Value parsers by domain (``cells``: results, wrappers and text; ``identifiers``;
``numbers`` with units and dates; ``assay_calls``; ``fusions_variants``; ``copy_number``;
``outcomes``), gathered in one namespace by ``values``; the per-table checks
(``tables.validate_tables``, with ``value_memo`` parsing each distinct value once), the
cross-table checks (``cross``), canonical template sheets to raw tables (``sheet``), the
settings of one validation (``context``) and the finding-code catalogue (``codes``).

May import: ``imft_desktop.io.read`` (raw records), ``imft_desktop.model`` and this
package.  Never ``mapping`` or ``interop``: both hand their records to this stage.
"""
