package cli

import (
	"net"
	"strconv"
)

// clientURL is the URL a client on this machine reaches a listener at. A
// listener on an unspecified address (0.0.0.0, [::]) accepts on every
// interface, but "http://0.0.0.0:4566" or "http://[::]:4566" is no address
// to give a client: it gets 127.0.0.1.
func clientURL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return "http://" + addr.String()
	}
	host := tcp.IP.String()
	if tcp.IP == nil || tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(tcp.Port))
}

// listeningNote says where a listener listens when its client URL does not
// (an unspecified address), for the start-up line.
func listeningNote(addr net.Addr) string {
	if tcp, ok := addr.(*net.TCPAddr); ok && (tcp.IP == nil || tcp.IP.IsUnspecified()) {
		return "listening on " + addr.String() + ", "
	}
	return ""
}
