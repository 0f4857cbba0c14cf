import "./test-env";
