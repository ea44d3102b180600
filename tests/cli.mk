# Tests of the phonesec command line.
