from conformcheck.cli import main

main()
