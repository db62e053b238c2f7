{#-
    A raw table that an older raw store may not have yet (`forms`, `waivers` came later than
    the forms' tables): the source itself when the store holds it, else an empty relation
    with the same columns, so a build never fails on a store written before the table
    existed. `columns`: name → SQL type, in the table's order.
-#}
{% macro optional_source(source_name, table_name, columns) -%}
{%- set relation = source(source_name, table_name) -%}
{%- set found = none -%}
{%- if execute -%}
{%- set found = adapter.get_relation(
    database=relation.database, schema=relation.schema, identifier=relation.identifier
) -%}
{%- endif -%}
{%- if execute and found is none -%}
{%- set nulls = [] -%}
{%- for name, type in columns.items() -%}
{%- do nulls.append('cast(null as ' ~ type ~ ') as ' ~ name) -%}
{%- endfor -%}
(select {{ nulls | join(', ') }} where false)
{%- else -%}
{{ relation }}
{%- endif -%}
{%- endmacro %}
