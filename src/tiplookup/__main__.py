from tiplookup.cli import main

main()
