#ifndef MLWATCH_CZLIB_SHIM_H
#define MLWATCH_CZLIB_SHIM_H
#include <zlib.h>
#endif
