#!/usr/bin/env python3
"""Hostile HTTP receivers on loopback for scripts/urlsession_bounds.swift (run by hand, for BENCHMARKS.md):
127.0.0.1:18081 announces 10 GB and sends zeros, :18082 reads the request and never answers, :18083 sends
one byte a second. Stops by itself after 120 s."""
import socket, threading, sys, time
def serve(c, mode):
    try:
        c.recv(65536)
        if mode == 'huge':
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10000000000\r\n\r\n")
            z = b"0"*65536
            while True: c.sendall(z)
        elif mode == 'silent':
            while c.recv(100): pass
        elif mode == 'drip':
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n")
            while True:
                c.sendall(b"x"); time.sleep(1)
    except Exception: pass
    finally: c.close()
for mode, port in (('huge',18081),('silent',18082),('drip',18083)):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', port)); s.listen(8)
    def loop(s=s, mode=mode):
        while True:
            c,_ = s.accept(); threading.Thread(target=serve, args=(c,mode), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
time.sleep(120)
