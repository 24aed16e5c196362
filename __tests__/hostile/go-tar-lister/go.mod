module imagechangelog.test/gotarlister

go 1.19
