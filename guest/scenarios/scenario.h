// scenario.h: the test scenarios, one function per `rugo.test=` name. Each
// runs in the "scenario" kernel thread with interrupts on; returning means
// success (the thread then prints `RUGO: halt ok` and exits with 0x10).
#ifndef RUGO_SCENARIO_H
#define RUGO_SCENARIO_H

// scen_mm.c
void scen_paging(void);
// scen_trap.c
void scen_divide_error(void);
void scen_breakpoint(void);
void scen_page_fault(void);
void scen_general_protection(void);
void scen_double_fault(void);
void scen_stack_guard(void);
// scen_sched.c
void scen_ticks(void);
void scen_two_threads(void);
void scen_lock(void);
// scen_user.c
void scen_user_hello(void);
void scen_syscall(void);
void scen_thread_exit_race(void);
void scen_user_fault(void);
void scen_ping_pong(void);
void scen_shm(void);
void scen_hostile(void);
void scen_hostile_io(void);
void scen_stats(void);
// scen_blk.c
void scen_blk_identify(void);
void scen_blk_rw(void);
void scen_blk_timeout(void);
// scen_fs.c
bool fs_provider_start(void);
void scen_fsd_smoke(void);
void scen_shell(void);
// scen_net.c
void scen_net_identify(void);
void scen_udp_echo(void);
void scen_net_hostile(void);
// scen_go.c
void scen_go_std(void);
void scen_go_panic(void);
void scen_go_nosys(void);
void scen_go_file(void);
void scen_go_user_service(void);
void scen_go_hostile(void);
// scen_replay.c
void scen_replay_null_write(void);

#endif
