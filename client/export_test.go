package client

// SimulateFullDisk makes the server's database refuse writes that need
// more room, as a full disk does (store.Store.SimulateFullDisk).
func SimulateFullDisk(s *Server) error { return s.store.SimulateFullDisk() }
