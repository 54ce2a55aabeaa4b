from services.loonvordering.app import service

service.run()
