from generator.process import main

main()
