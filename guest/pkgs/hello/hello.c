// hello.c: the program of the `hello` package (guest/pkgs/hello): what
// `pkg install hello` puts in /bin/hello.
#include "user.h"

int main(void)
{
	printf("APP: hello world\n");
	return 0;
}
