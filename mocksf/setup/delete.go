package setup

import "net/http"

// HandleDeletePage asks the admin to confirm deleting an app.
func HandleDeletePage(d Deps) http.Handler {
	return connectedAppKind.handleDeletePage(d, "Delete Connected App", MsgDeleteNotice,
		func(string) string { return AppManagerPath })
}

// HandleDeleteApp deletes an app with every code and token issued to it,
// and goes back to App Manager.
func HandleDeleteApp(d Deps) http.Handler {
	return connectedAppKind.handleDelete(d, "Delete Connected App", AppManagerPath)
}
