from nnviz.cli.main import main

raise SystemExit(main())
