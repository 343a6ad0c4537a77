# host/common/common.mk - the common layer: allocation, the log, strict
# number parsing, Vietnamese text (NFC, folding).  Depends on no other part
# of the project; every other layer may use it.

COMMON_SRCS := $(wildcard host/common/*.c)
COMMON_OBJS := $(COMMON_SRCS:%.c=$(B)/%.o)
$(B)/host/common/%.o: INC = -Ihost

$(LIB_COMMON): $(COMMON_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# Unit tests: tests/unit/host/common/test_NAME.c, one per module.
COMMON_UNIT_TESTS := $(patsubst %.c,$(B)/%,$(wildcard tests/unit/host/common/test_*.c))
UNIT_TESTS += $(COMMON_UNIT_TESTS)
$(COMMON_UNIT_TESTS): %: %.o $(LIB_COMMON)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB_COMMON) $(PKG_LIBS) $(CMOCKA_LIBS)
