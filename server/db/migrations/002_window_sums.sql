-- Sums count arrays across profile rows, element by element, for windows wider than a minute.
CREATE AGGREGATE counts_sum(bigint[]) (SFUNC = counts_add, STYPE = bigint[], INITCOND = '{}');
