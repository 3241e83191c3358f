int wf_placeholder(void); int wf_placeholder(void) { return 0; }
