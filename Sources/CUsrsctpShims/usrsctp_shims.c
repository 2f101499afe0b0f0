#define _GNU_SOURCE  // pthread_setname_np
#include "chobi_usrsctp.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <usrsctp.h>

static chobi_sctp_output_fn output_sink;
static chobi_sctp_upcall_fn upcall_sink;
// Loops may open their first associations at once; the first start wins, under this lock.
static pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;

static int on_output(void *addr, void *buffer, size_t length, uint8_t tos, uint8_t set_df) {
    (void)tos;
    (void)set_df;
    output_sink((uintptr_t)addr, buffer, length);
    return 0;
}

static void notify(uintptr_t conn, const union sctp_notification *n, size_t length) {
    if (length < sizeof(n->sn_header) || n->sn_header.sn_length > length) return;
    switch (n->sn_header.sn_type) {
    case SCTP_ASSOC_CHANGE:
        if (length < sizeof(struct sctp_assoc_change)) return;
        switch (n->sn_assoc_change.sac_state) {
        case SCTP_COMM_UP:
        case SCTP_RESTART:
            upcall_sink(conn, CHOBI_SCTP_UP, 0, 0, NULL, 0, 1);
            break;
        case SCTP_COMM_LOST:
        case SCTP_SHUTDOWN_COMP:
        case SCTP_CANT_STR_ASSOC:
            upcall_sink(conn, CHOBI_SCTP_DOWN, 0, 0, NULL, 0, 1);
            break;
        }
        break;
    case SCTP_SHUTDOWN_EVENT:
        upcall_sink(conn, CHOBI_SCTP_DOWN, 0, 0, NULL, 0, 1);
        break;
    case SCTP_STREAM_RESET_EVENT: {
        const struct sctp_stream_reset_event *e = &n->sn_strreset_event;
        if (length < sizeof(*e) || !(e->strreset_flags & SCTP_STREAM_RESET_INCOMING_SSN)) return;
        if (e->strreset_flags & (SCTP_STREAM_RESET_DENIED | SCTP_STREAM_RESET_FAILED)) return;
        if (e->strreset_length < sizeof(*e) || e->strreset_length > length) return;
        size_t count = (e->strreset_length - sizeof(*e)) / sizeof(uint16_t);
        for (size_t i = 0; i < count; i++) {
            upcall_sink(conn, CHOBI_SCTP_STREAM_RESET, e->strreset_stream_list[i], 0, NULL, 0, 1);
        }
        break;
    }
    default:
        break;
    }
}

static int on_receive(struct socket *sock, union sctp_sockstore addr, void *data, size_t length,
                      struct sctp_rcvinfo info, int flags, void *ulp_info) {
    (void)sock;
    (void)addr;
    uintptr_t conn = (uintptr_t)ulp_info;
    if (data == NULL) {
        // usrsctp signals the association's socket closing with no data.
        upcall_sink(conn, CHOBI_SCTP_DOWN, 0, 0, NULL, 0, 1);
        return 1;
    }
    if (flags & MSG_NOTIFICATION) {
        notify(conn, (const union sctp_notification *)data, length);
    } else {
        upcall_sink(conn, CHOBI_SCTP_DATA, info.rcv_sid, ntohl(info.rcv_ppid), data, length,
                    (flags & MSG_EOR) != 0);
    }
    free(data);  // upcall buffers belong to the receiver
    return 1;
}

// usrsctp's own threads would also open raw IPv4/IPv6 SCTP sockets when run as root and take
// native SCTP from the network; we only speak SCTP inside DTLS. So it runs without threads, and
// this one thread drives its timers (retransmissions, SACK delay, heartbeats) every 10 ms, as
// usrsctp's timer thread would. What the timers send reaches the associations' queues, whose
// owners are woken (SCTPAssociation.swift).
static void *tick_timers(void *unused) {
    (void)unused;
    struct timespec last;
    clock_gettime(CLOCK_MONOTONIC, &last);
    for (;;) {
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t elapsed = (int64_t)(now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000;
        if (elapsed <= 0) continue;
        usrsctp_handle_timers((uint32_t)elapsed);
        // Keep the remainder below a millisecond for the next round.
        last.tv_sec += elapsed / 1000;
        last.tv_nsec += (elapsed % 1000) * 1000000;
        if (last.tv_nsec >= 1000000000) {
            last.tv_sec += 1;
            last.tv_nsec -= 1000000000;
        }
    }
    return NULL;
}

static void start_usrsctp(void) {
    usrsctp_init_nothreads(0, on_output, NULL);
    // Browsers' SCTP stacks (dcsctp, aiortc's) speak neither ECN nor AUTH/ASCONF; a short
    // delayed-SACK time keeps chat latency low over one-message bursts.
    usrsctp_sysctl_set_sctp_ecn_enable(0);
    usrsctp_sysctl_set_sctp_auth_enable(0);
    usrsctp_sysctl_set_sctp_asconf_enable(0);
    usrsctp_sysctl_set_sctp_delayed_sack_time_default(20);
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attributes, tick_timers, NULL) == 0) {
        pthread_setname_np(thread, "sctp-timers");
    }
    pthread_attr_destroy(&attributes);
}

void chobi_sctp_start(chobi_sctp_output_fn output, chobi_sctp_upcall_fn upcall) {
    pthread_mutex_lock(&start_lock);
    if (output_sink == NULL) {
        // Set before usrsctp or the timer thread can call them (pthread_create orders it).
        output_sink = output;
        upcall_sink = upcall;
        start_usrsctp();
    }
    pthread_mutex_unlock(&start_lock);
}

static struct sockaddr_conn conn_address(uintptr_t conn, uint16_t port) {
    struct sockaddr_conn a;
    memset(&a, 0, sizeof(a));
    a.sconn_family = AF_CONN;
    a.sconn_port = htons(port);
    a.sconn_addr = (void *)conn;
    return a;
}

struct socket *chobi_sctp_open(uintptr_t conn, uint16_t local_port, uint16_t streams, uint32_t mtu) {
    usrsctp_register_address((void *)conn);
    struct socket *sock = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, on_receive, NULL, 0, (void *)conn);
    if (sock == NULL) {
        usrsctp_deregister_address((void *)conn);
        return NULL;
    }
    int ok = usrsctp_set_non_blocking(sock, 1) == 0;
    struct linger linger = {.l_onoff = 1, .l_linger = 0};
    ok = ok && usrsctp_setsockopt(sock, SOL_SOCKET, SO_LINGER, &linger, sizeof(linger)) == 0;
    struct sctp_assoc_value reset = {.assoc_id = SCTP_ALL_ASSOC, .assoc_value = SCTP_ENABLE_RESET_STREAM_REQ};
    ok = ok && usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET, &reset, sizeof(reset)) == 0;
    int one = 1;
    ok = ok && usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof(one)) == 0;
    ok = ok && usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_RECVRCVINFO, &one, sizeof(one)) == 0;
    ok = ok && usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_EXPLICIT_EOR, &one, sizeof(one)) == 0;
    const uint16_t events[] = {SCTP_ASSOC_CHANGE, SCTP_STREAM_RESET_EVENT, SCTP_SHUTDOWN_EVENT};
    for (size_t i = 0; ok && i < sizeof(events) / sizeof(events[0]); i++) {
        struct sctp_event event = {.se_assoc_id = SCTP_ALL_ASSOC, .se_type = events[i], .se_on = 1};
        ok = usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_EVENT, &event, sizeof(event)) == 0;
    }
    struct sctp_initmsg init = {.sinit_num_ostreams = streams, .sinit_max_instreams = streams};
    ok = ok && usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_INITMSG, &init, sizeof(init)) == 0;
    struct sctp_paddrparams params;
    memset(&params, 0, sizeof(params));
    params.spp_assoc_id = SCTP_FUTURE_ASSOC;
    params.spp_flags = SPP_PMTUD_DISABLE;
    params.spp_pathmtu = mtu;
    ok = ok && usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &params, sizeof(params)) == 0;
    struct sockaddr_conn local = conn_address(conn, local_port);
    ok = ok && usrsctp_bind(sock, (struct sockaddr *)&local, sizeof(local)) == 0;
    if (!ok) {
        chobi_sctp_close(sock, conn);
        return NULL;
    }
    return sock;
}

int chobi_sctp_connect(struct socket *sock, uintptr_t conn, uint16_t remote_port) {
    struct sockaddr_conn remote = conn_address(conn, remote_port);
    if (usrsctp_connect(sock, (struct sockaddr *)&remote, sizeof(remote)) == 0) return 0;
    return errno == EINPROGRESS ? 0 : errno;
}

void chobi_sctp_input(uintptr_t conn, const void *packet, size_t length) {
    usrsctp_conninput((void *)conn, packet, length, 0);
}

long chobi_sctp_send(struct socket *sock, uint16_t sid, uint32_t ppid, const void *data, size_t length,
                     int unordered, long max_retransmits, long max_lifetime_ms) {
    struct sctp_sendv_spa spa;
    memset(&spa, 0, sizeof(spa));
    spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
    spa.sendv_sndinfo.snd_sid = sid;
    spa.sendv_sndinfo.snd_ppid = htonl(ppid);
    spa.sendv_sndinfo.snd_flags = SCTP_EOR | (unordered ? SCTP_UNORDERED : 0);
    if (max_retransmits >= 0) {
        spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
        spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_RTX;
        spa.sendv_prinfo.pr_value = (uint32_t)max_retransmits;
    } else if (max_lifetime_ms >= 0) {
        spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
        spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_TTL;
        spa.sendv_prinfo.pr_value = (uint32_t)max_lifetime_ms;
    }
    ssize_t sent = usrsctp_sendv(sock, data, length, NULL, 0, &spa, sizeof(spa), SCTP_SENDV_SPA, 0);
    return sent < 0 ? -(long)errno : (long)sent;
}

int chobi_sctp_reset_stream(struct socket *sock, uint16_t sid) {
    size_t size = sizeof(struct sctp_reset_streams) + sizeof(uint16_t);
    struct sctp_reset_streams *reset = calloc(1, size);
    if (reset == NULL) return ENOMEM;
    reset->srs_assoc_id = SCTP_ALL_ASSOC;
    reset->srs_flags = SCTP_STREAM_RESET_OUTGOING;
    reset->srs_number_streams = 1;
    reset->srs_stream_list[0] = sid;
    int result = usrsctp_setsockopt(sock, IPPROTO_SCTP, SCTP_RESET_STREAMS, reset, (socklen_t)size) == 0 ? 0 : errno;
    free(reset);
    return result;
}

void chobi_sctp_close(struct socket *sock, uintptr_t conn) {
    usrsctp_shutdown(sock, SHUT_RDWR);
    usrsctp_close(sock);
    usrsctp_deregister_address((void *)conn);
}
