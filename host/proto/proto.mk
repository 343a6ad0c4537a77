# host/proto/proto.mk - the proto layer: the one vocabulary of events,
# states, channels and roles (vocab.c).  The board register map, the other
# half of what the host and the boards agree on, is firmware/proto/
# board_regs.h (the firmware owns it; the host names it
# "firmware/proto/board_regs.h").  Depends on nothing.

PROTO_SRCS := $(wildcard host/proto/*.c)
PROTO_OBJS := $(PROTO_SRCS:%.c=$(B)/%.o)
$(B)/host/proto/%.o: INC = -Ihost

$(LIB_PROTO): $(PROTO_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

PROTO_UNIT_TESTS := $(patsubst %.c,$(B)/%,$(wildcard tests/unit/host/proto/test_*.c))
UNIT_TESTS += $(PROTO_UNIT_TESTS)
$(PROTO_UNIT_TESTS): %: %.o $(LIB_PROTO)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB_PROTO) $(CMOCKA_LIBS)
