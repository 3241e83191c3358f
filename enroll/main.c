/*
 * main.c: the enroll command's entry point.
 */
#include <stdio.h>

int
main(int argc, char **argv)
{
	fprintf(stderr, "enroll: not built yet\n");
	return 1;
}
