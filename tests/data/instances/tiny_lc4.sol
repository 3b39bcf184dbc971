Instance name : tiny_lc4
Solution
Route 1 : 3 1 4 7 8 5 6 2
