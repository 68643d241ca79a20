-- Nothing looks students up by their NIR (COD_NNI): the import matches by INE and secondary
-- keys, DOUBLONS reads every student. The index was only cost: maintained on every write,
-- and the longest to rebuild after a first import but one (0.7 s of a million students).
DROP INDEX IF EXISTS student_by_nni;
