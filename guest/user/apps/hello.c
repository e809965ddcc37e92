// hello.c: the first user program: one marker from ring 3, then exit.
#include "user.h"

int main(void)
{
	printf("USER: hello\n");
	return 0;
}
