// Command gotarlister lists a tar read from stdin the way Docker and containerd read layers: with
// Go's archive/tar. One JSON object per entry (names as hex: they are bytes, not always UTF-8),
// then a final {"end": true} or {"error": "..."}. Used by tar-forms-go.itg.test.ts as the oracle.
package main

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
)

type entry struct {
	Type     string `json:"type"`
	Name     string `json:"name"`
	Linkname string `json:"linkname"`
	Size     int64  `json:"size"`
	Mode     int64  `json:"mode"`
	UID      int    `json:"uid"`
	GID      int    `json:"gid"`
	Devmajor int64  `json:"devmajor"`
	Devminor int64  `json:"devminor"`
	Sha256   string `json:"sha256"`
}

func main() {
	out := json.NewEncoder(os.Stdout)
	tr := tar.NewReader(os.Stdin)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			_ = out.Encode(map[string]bool{"end": true})
			return
		}
		if err != nil {
			_ = out.Encode(map[string]string{"error": err.Error()})
			return
		}
		sum := sha256.New()
		if _, err := io.Copy(sum, tr); err != nil {
			_ = out.Encode(map[string]string{"error": err.Error()})
			return
		}
		_ = out.Encode(entry{
			Type:     string([]byte{hdr.Typeflag}),
			Name:     hex.EncodeToString([]byte(hdr.Name)),
			Linkname: hex.EncodeToString([]byte(hdr.Linkname)),
			Size:     hdr.Size,
			Mode:     hdr.Mode & 0o7777,
			UID:      hdr.Uid,
			GID:      hdr.Gid,
			Devmajor: hdr.Devmajor,
			Devminor: hdr.Devminor,
			Sha256:   hex.EncodeToString(sum.Sum(nil)),
		})
	}
}
