Route #1: 5 3 7 8 10 9 6 4 2 1
Cost 58.1
