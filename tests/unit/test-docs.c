/* replaced by the docs check */
#include <criterion/criterion.h>

Test(docs, placeholder)
{
	cr_assert(1);
}
